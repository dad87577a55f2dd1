/** A bad option: names the field, the value and the allowed range. The CLI exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
