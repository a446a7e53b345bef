/**
 * Track id and genre of an audio file from its path, the way GTZAN names things:
 * `genres_original/jazz/jazz.00012.wav` or `jazz.00012.wav` → genre `jazz`, track `jazz.00012`;
 * any other file takes its genre from the folder it is in.
 */
export interface TrackName {
  trackId: string;
  genre: string | undefined;
}

const GTZAN_RE = /^([A-Za-z][A-Za-z0-9_-]*)\.(\d{5})(?:\.\w+)?$/;

export function inferTrackName(path: string): TrackName {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts[parts.length - 1] ?? path;
  const stem = file.replace(/\.(wav|mp3|flac|ogg|au|m4a|aac|webm|opus)$/i, '');
  const m = GTZAN_RE.exec(stem);
  if (m) return { trackId: `${m[1]}.${m[2]}`, genre: m[1] };
  const folder = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { trackId: stem, genre: folder };
}

export const AUDIO_FILE_RE = /\.(wav|mp3|flac|ogg|oga|opus|m4a|aac|webm)$/i;
