// Where Envoy fetches dependent resources (RDS, EDS, SDS): always the ADS stream it already has.

/** `ConfigSource` pointing at the aggregated stream, v3 resources. */
export function adsConfigSource(): { ads: Record<string, never>; resource_api_version: 'V3' } {
  return { ads: {}, resource_api_version: 'V3' };
}
