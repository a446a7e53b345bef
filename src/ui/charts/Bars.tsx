import { useMemo } from 'react';
import { Plot } from './Plot';

/** Horizontal bars, first label on top; the values come computed from core. */
export function Bars({ labels, values, ariaLabel, testId }: { labels: string[]; values: number[]; ariaLabel: string; testId?: string }) {
  const data = useMemo(() => [{ type: 'bar', orientation: 'h', x: [...values].reverse(), y: [...labels].reverse(), hovertemplate: '%{y}: %{x:.4f}<extra></extra>' }], [labels, values]);
  return (
    <div data-testid={testId}>
      <Plot data={data} layout={{ margin: { l: 190, r: 20, t: 10, b: 40 } }} height={Math.max(260, 22 * labels.length + 80)} ariaLabel={ariaLabel} />
    </div>
  );
}
