/**
 * Chart layouts for the lecture presenter: labels readable from the back of a room. Plotly lays
 * out axes and legends from its font sizes and margins, so they are scaled in the layout itself —
 * a CSS zoom would only blur the same small text.
 */

export interface ChartScale {
  /** Multiplies every font size in the layout (the global font, tick fonts, titles, legends). */
  fontScale: number;
  /** Multiplies the margins, which must grow with the tick labels they hold. */
  marginScale: number;
  /** Multiplies the chart's height. */
  heightScale: number;
}

/** The presenter's scale: 12 px labels become 22 px, about what a projected slide uses. */
export const PRESENTER_CHART_SCALE: ChartScale = { fontScale: 1.8, marginScale: 1.6, heightScale: 1.35 };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of `layout` with every `size` inside a font object (`font`, `tickfont`, `titlefont`, ...)
 * and the `margin`'s l/r/t/b/pad scaled; everything else as it was. The input is not changed.
 */
export function scaleLayout(layout: Json, scale: Pick<ChartScale, 'fontScale' | 'marginScale'>): Json {
  const walk = (v: Json, key: string): Json => {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (/font$/i.test(key) && k === 'size' && typeof x === 'number') out[k] = Math.round(x * scale.fontScale);
      else if (key === 'margin' && typeof x === 'number') out[k] = Math.round(x * scale.marginScale);
      else out[k] = isObject(x) ? walk(x, k) : x;
    }
    return out;
  };
  return walk(layout, '');
}
