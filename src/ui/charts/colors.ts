const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FIXED: Record<string, number> = { blues: 0, classical: 1, country: 2, disco: 3, hiphop: 4, jazz: 5, metal: 6, pop: 7, reggae: 8, rock: 9 };

/** A stable colour per genre, the same in every chart. */
export function genreColor(genre: string): string {
  const i = FIXED[genre] ?? [...genre].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  return PALETTE[i % PALETTE.length]!;
}
