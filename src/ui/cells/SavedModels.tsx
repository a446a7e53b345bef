import { useRef, useState } from 'react';
import type { ErrorInfo } from '../../core/errors';
import { checkEnsembleMembers, exportModelFiles, groupModelFiles, importModelFiles } from '../../core/models/saved';
import { toErrorInfo } from '../../core/errors';
import { kindLabel } from '../../core/models/registry';
import { deleteModel, newModelId, putModel } from '../../state/models';
import { getModelEntry } from '../../storage/models';
import { ErrorBox } from '../Cell';
import { downloadBlob } from '../download';
import { pct } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';

function download(name: string, data: string | ArrayBuffer, type: string) {
  downloadBlob(name, new Blob([data], { type }));
}

/** Saved models: list, export as files, import, delete. */
export function SavedModels() {
  const models = useLab((s) => s.models);
  const [error, setError] = useState<ErrorInfo>();
  const [notice, setNotice] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  const onExport = async (id: string) => {
    const e = await getModelEntry(id);
    if (!e) return;
    const base = e.name.split(' · ')[0]!.replace(/[^\w]+/g, '-').toLowerCase();
    e.members.forEach((m, i) => {
      const f = exportModelFiles(m);
      const prefix = e.members.length > 1 ? `${base}-m${i + 1}-` : `${base}-`;
      download(`${prefix}model.json`, f['model.json'], 'application/json');
      download(`${prefix}weights.bin`, f['weights.bin'], 'application/octet-stream');
      download(`${prefix}metadata.json`, f['metadata.json'], 'application/json');
    });
  };

  const onImport = async (list: FileList | null) => {
    setError(undefined);
    setNotice(undefined);
    if (!list || list.length === 0) return;
    try {
      // One model per three files; an exported ensemble (…-m1-model.json, …) comes back as one ensemble.
      const groups = groupModelFiles(Array.from(list));
      const members = [];
      for (const g of groups) members.push(importModelFiles({ modelJson: await g.model.text(), weightsBin: await g.weights.arrayBuffer(), metadataJson: await g.metadata.text() }));
      checkEnsembleMembers(members);
      const m = members[0]!.metadata;
      const acc = m.metrics['ensembleAccuracy'] ?? m.metrics['accuracy'];
      await putModel(labStore, {
        id: newModelId(),
        name: `${kindLabel(m.kind)}${members.length > 1 ? ` ×${members.length}` : ''} · imported · ${acc !== undefined ? pct(acc) : ''}`,
        createdAt: new Date().toISOString(),
        datasetName: 'imported',
        members,
      });
      setNotice(
        members.length > 1
          ? `Imported an ensemble of ${members.length} ${kindLabel(m.kind)} models (${m.input.featureNames.length} features, recipe ${m.input.recipe ?? 'unknown'}).`
          : `Imported one ${kindLabel(m.kind)} model (${m.input.featureNames.length} features, recipe ${m.input.recipe ?? 'unknown'}).`,
      );
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  return (
    <div className="subcell" data-testid="saved-models">
      <h3>Saved models</h3>
      <p className="small muted">Every trained model is kept in this browser with what it needs to read new data (recipe, features, scaling, genres). The Classify cell uses them.</p>
      {models.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <table className="metrics models">
          <thead>
            <tr>
              <th>model</th>
              <th>recipe</th>
              <th>features</th>
              <th>accuracy</th>
              <th>created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} data-testid="saved-model" data-model-id={m.id}>
                <td>{m.name}</td>
                <td>{m.recipe ?? '—'}</td>
                <td>{m.features}</td>
                <td>{m.accuracy !== undefined ? pct(m.accuracy) : '—'}</td>
                <td>{new Date(m.createdAt).toLocaleString()}</td>
                <td>
                  <button className="link" onClick={() => void onExport(m.id)} data-testid="export-model">
                    export
                  </button>{' '}
                  <button className="link" onClick={() => void deleteModel(labStore, m.id)} data-testid="delete-model">
                    delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="controls-inline">
        <button type="button" onClick={() => input.current?.click()} data-testid="import-model">
          Import a model…
        </button>
        <input ref={input} type="file" multiple hidden accept=".json,.bin" data-testid="import-model-input" onChange={(e) => { void onImport(e.target.files); e.target.value = ''; }} />
      </div>
      {notice && <p className="small" data-testid="import-notice">{notice}</p>}
      <ErrorBox error={error} onDismiss={() => setError(undefined)} />
    </div>
  );
}
