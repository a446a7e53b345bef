/** Sizes as the lab shows them: kB under a megabyte (a project manifest), MB above (a spectrogram set). */
export function formatBytes(bytes: number): string {
  const MB = 1024 * 1024;
  return bytes < MB ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / MB).toFixed(1)} MB`;
}
