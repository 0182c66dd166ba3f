/**
 * What rating and reports need to know of a phone number's place. Implemented from libphonenumber's
 * geocoding data (shared/adapters/dynamo/call-regions.ts over shared/geo); never from hand-made tables.
 */
export interface RegionFacts {
  /** A region label for reports (province and city), 'unknown' when the data has none. */
  regionOf(e164: string | undefined): string | undefined;
  /** Caller and answer number are in the same city (local rate); unknown places are long distance. */
  isLocal(caller: string | undefined, answer: string | undefined): boolean;
}
