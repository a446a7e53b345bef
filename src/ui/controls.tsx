import { useMemo, useState } from 'react';
import type { SplitParam } from '../state/lab';

/** Searchable multi-select of feature names (or genres). */
export function MultiPicker({
  label,
  options,
  value,
  onChange,
  testId,
  max,
}: {
  label: string;
  options: readonly string[];
  value: readonly string[];
  onChange(v: string[]): void;
  testId: string;
  max?: number;
}) {
  const [q, setQ] = useState('');
  const shown = useMemo(() => options.filter((o) => o.toLowerCase().includes(q.toLowerCase())), [options, q]);
  const toggle = (o: string) => {
    if (value.includes(o)) onChange(value.filter((v) => v !== o));
    else if (!max || value.length < max) onChange(options.filter((x) => x === o || value.includes(x)));
  };
  return (
    <fieldset className="picker" data-testid={testId}>
      <legend>
        {label} <span className="muted">({value.length} of {options.length})</span>
      </legend>
      <div className="picker-tools">
        <input type="search" placeholder="filter…" value={q} onChange={(e) => setQ(e.target.value)} aria-label={`filter ${label}`} data-testid={`${testId}-filter`} />
        <button type="button" onClick={() => onChange(max ? shown.slice(0, max) : [...new Set([...value, ...shown])])}>
          all{q ? ' shown' : ''}
        </button>
        <button type="button" onClick={() => onChange(q ? value.filter((v) => !shown.includes(v)) : [])}>
          none
        </button>
      </div>
      <div className="picker-list">
        {shown.map((o) => (
          <label key={o} className={value.includes(o) ? 'on' : ''}>
            <input type="checkbox" checked={value.includes(o)} onChange={() => toggle(o)} data-feature={o} />
            {o}
          </label>
        ))}
        {shown.length === 0 && <span className="muted">no match</span>}
      </div>
    </fieldset>
  );
}

export function NumberField({ label, value, onChange, min, max, step = 1, testId }: { label: string; value: number; onChange(v: number): void; min?: number; max?: number; step?: number | 'any'; testId?: string }) {
  return (
    <label className="field">
      {label}
      <input
        type="number"
        value={value}
        min={min}
        max={max}
        step={step}
        data-testid={testId}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) onChange(v);
        }}
      />
    </label>
  );
}

export function SelectField<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange(v: T): void; testId?: string }) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Split choice; `allowCv` adds 5-fold cross-validation by track (classic models). */
export function SplitField({ value, onChange, hasPredefined, testId, allowCv }: { value: SplitParam; onChange(v: SplitParam): void; hasPredefined: boolean; testId?: string; allowCv?: boolean }) {
  const options: { value: SplitParam; label: string }[] = [
    { value: 'auto', label: hasPredefined ? 'table’s Train/Test' : 'random 80/20 by track' },
    ...(hasPredefined ? [{ value: 'random' as const, label: 'random 80/20 by track' }] : []),
    ...(allowCv ? [{ value: 'kfold' as const, label: '5-fold cross-validation by track' }] : []),
  ];
  const shown = value === 'predefined' || (value === 'kfold' && !allowCv) ? 'auto' : value;
  return <SelectField label="Split" value={shown} options={options} onChange={onChange} testId={testId} />;
}

/** Free text (e.g. SVM gamma: "scale", "auto" or a number); checked where it is used. */
export function TextField({ label, value, onChange, testId, title }: { label: string; value: string; onChange(v: string): void; testId?: string; title?: string }) {
  return (
    <label className="field" title={title}>
      {label}
      <input type="text" value={value} size={8} data-testid={testId} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
