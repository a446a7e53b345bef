/**
 * Confusion matrix as a colour-scaled HTML table: rows = true genre, columns = predicted; counts
 * or row-normalised shares. A table (not a Plotly heatmap) renders in well under a millisecond —
 * Plotly's first draw stalled the page ~100–150 ms when a training run finished — and keeps every
 * number readable, copyable and accessible.
 */
import { useMemo } from 'react';

function cellColor(share: number): string {
  // white → the lab's blue, by the share of the row (or of the largest count)
  const t = Math.max(0, Math.min(1, share));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 29)}, ${mix(255, 53)}, ${mix(255, 87)})`;
}

export interface ConfusionMatrixProps {
  confusion: number[][];
  genres: string[];
  normalized: boolean;
  testId?: string;
  /** Makes cells clickable (and keyboard-operable): called with the true and predicted genre index. */
  onSelect?: (trueIndex: number, predIndex: number) => void;
  /** The cell shown as selected. */
  selected?: readonly [number, number];
}

export function ConfusionMatrix({ confusion, genres, normalized, testId = 'confusion-matrix', onSelect, selected }: ConfusionMatrixProps) {
  const rows = useMemo(() => {
    const max = Math.max(1, ...confusion.flat());
    return confusion.map((row) => {
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => {
        const share = sum ? v / sum : 0;
        return { text: normalized ? share.toFixed(2) : String(v), shade: normalized ? share : v / max };
      });
    });
  }, [confusion, normalized]);
  return (
    <div className="confusion" data-testid={testId}>
      <table className="cm" aria-label="confusion matrix: rows are the true genre, columns the predicted genre">
        <thead>
          <tr>
            <th className="cm-corner">true ↓ predicted →</th>
            {genres.map((g) => (
              <th key={g} className="cm-col" title={g}>
                <span>{g}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={genres[i]}>
              <th scope="row">{genres[i]}</th>
              {row.map((c, j) => (
                <td
                  key={j}
                  data-true={genres[i]}
                  data-predicted={genres[j]}
                  data-count={confusion[i]![j]}
                  className={[i === j ? 'diag' : '', onSelect ? 'pick' : '', selected && selected[0] === i && selected[1] === j ? 'selected' : ''].filter(Boolean).join(' ') || undefined}
                  style={{ background: cellColor(c.shade), color: c.shade > 0.55 ? '#fff' : 'var(--ink)' }}
                  title={`true ${genres[i]}, predicted ${genres[j]}: ${c.text}${onSelect ? ' — click to list these tracks' : ''}`}
                  role={onSelect ? 'button' : undefined}
                  tabIndex={onSelect ? 0 : undefined}
                  aria-pressed={onSelect ? !!selected && selected[0] === i && selected[1] === j : undefined}
                  onClick={onSelect && (() => onSelect(i, j))}
                  onKeyDown={onSelect && ((ev) => (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), onSelect(i, j)))}
                >
                  {c.text}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
