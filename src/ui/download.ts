/** Save a Blob as a file the browser downloads (an object URL on a clicked anchor). */
export function downloadBlob(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download has started once click() returns; the URL is released a little later.
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
