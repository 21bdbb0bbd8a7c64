// One bench round for ews-javascript-api (CommonJS): the same workload as child-ours.mjs, with
// the library's default XHR (axios); the sim's CA comes from NODE_EXTRA_CA_CERTS, set by the
// parent. Basic auth: WebCredentials sends the Authorization header on every request.
const ews = require("ews-javascript-api");
const { cpuSince, readConfig, report, startSampler } = require("./child-common.cjs");

async function main() {
  const config = readConfig();
  const sampler = startSampler();
  const baselineRss = process.memoryUsage().rss;
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
  service.Credentials = new ews.WebCredentials(config.username, config.password);
  service.Url = new ews.Uri(config.url);
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const ids = [];
    let offset = 0;
    for (;;) {
      const view = new ews.ItemView(config.pageSize, offset, ews.OffsetBasePoint.Beginning);
      view.PropertySet = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties);
      const page = await service.FindItems(ews.WellKnownFolderName.Inbox, view);
      for (const item of page.Items) ids.push(item.Id);
      if (!page.MoreAvailable || page.Items.length === 0) break;
      offset = page.NextPageOffset;
    }
    const listed = performance.now();
    const fetched = [];
    let failed = 0;
    const wanted = ids.slice(0, config.fetch);
    const shape = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties);
    for (let at = 0; at < wanted.length; at += config.batch) {
      const responses = await service.BindToItems(wanted.slice(at, at + config.batch), shape);
      for (const response of responses.Responses) {
        if (response.Result === ews.ServiceResult.Success)
          fetched.push([response.Item.Id.UniqueId, response.Item.Subject]);
        else failed++;
      }
    }
    const done = performance.now();
    report({
      listSeconds: (listed - started) / 1000,
      getSeconds: (done - listed) / 1000,
      cpuSeconds: cpuSince(cpu),
      peakRss: sampler.peak(),
      heapPeak: sampler.heapPeak(),
      baselineRss,
      listedIds: ids.map((id) => id.UniqueId),
      fetched,
      failed,
    });
  } finally {
    sampler.stop();
  }
}

main().catch((error) => {
  console.error(error?.stack ?? error?.message ?? JSON.stringify(error));
  process.exit(1);
});
