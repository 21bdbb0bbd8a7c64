/**
 * Bounds for NTLM messages read from the network. Each number says why it is what it is;
 * a decoder checks them before it reads or allocates anything that depends on the input.
 */
export const NtlmLimits = {
  /**
   * Largest NTLM message (any type) we decode. Windows' NTLM package advertises a maximum
   * token size of 2,888 bytes (cbMaxToken from QuerySecurityPackageInfo), and every length
   * field in the messages is a u16 anyway. 16 KiB is over five times what Windows emits,
   * leaves room for long DNS names and unknown AV pairs, and bounds the work a hostile
   * server can make us do per challenge.
   */
  maxMessageBytes: 16 * 1024,
  /**
   * Most AV_PAIRs accepted in one TargetInfo list. MS-NLMP 2.2.2.1 defines 11 AvIds and
   * Windows sends fewer than 10; 64 tolerates future or vendor ids while capping the number
   * of objects a crafted list of 4-byte pairs could make us create (16 KiB / 4 = 4,096).
   */
  maxAvPairs: 64,
} as const;
