import { useRef, useState } from 'react';
import { exportCsv } from '../../core/features/exportCsv';
import { RECIPES } from '../../core/features/recipes';
import { RECIPE_IDS, type RecipeId } from '../../core/features/spec';
import { cancelImport, collectDropped, importAudioFiles, loadDemoCorpus, type AudioInput } from '../../app/audioImportActions';
import { BatchProgress } from './BatchProgress';
import { DropZone } from '../DropZone';
import { downloadBlob } from '../download';
import { SelectField } from '../controls';
import { useLab } from '../store';

const TABLE_RECIPES = RECIPE_IDS.filter((r) => r !== 'meyda');

/** Drop audio (files or a genres_original/<genre>/ folder) and extract a feature table. */
export function AudioImport() {
  const imp = useLab((s) => s.audioImport);
  const [recipe, setRecipe] = useState<RecipeId>('kaggle30');
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const start = (inputs: AudioInput[]) => void importAudioFiles(inputs, recipe);
  const fromInput = (list: FileList | null) => list && start(Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name })));
  const running = imp?.status === 'running';
  return (
    <div className="subcell" data-testid="audio-import">
      <h3>…or build a table from audio</h3>
      <p className="small">
        Drop audio files or a folder laid out like Kaggle’s <code>genres_original/&lt;genre&gt;/*.wav</code> (or files named like <code>jazz.00012.wav</code>). The lab computes the same features
        librosa produced for the published tables, in the recipe you pick, using one background worker per CPU core. Results are cached, so dropping the same files again is instant.
      </p>
      <div className="controls-inline">
        <SelectField
          label="Recipe (table and segment length)"
          value={recipe}
          options={TABLE_RECIPES.map((r) => ({ value: r, label: `${r} — ${RECIPES[r].description}` }))}
          onChange={(v) => setRecipe(v as RecipeId)}
          testId="audio-recipe"
        />
        <button type="button" onClick={() => folder.current?.click()} disabled={running}>
          Pick a folder…
        </button>
        <button type="button" onClick={() => files.current?.click()} disabled={running}>
          Pick files…
        </button>
        <button type="button" onClick={() => void loadDemoCorpus()} disabled={running} data-testid="load-demo">
          Load the synthetic demo corpus
        </button>
        <input ref={files} type="file" multiple accept="audio/*,.wav,.mp3,.flac,.ogg" hidden data-testid="audio-input" onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
        <input ref={folder} type="file" hidden data-testid="audio-folder-input" {...{ webkitdirectory: '', directory: '' }} onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
      </div>
      <DropZone testId="audio-drop-zone" small onDrop={(dt) => void collectDropped(dt).then(start)}>
        Drop audio files or a folder here
      </DropZone>
      <BatchProgress state={imp} testId="audio" verb="Analysing" doneText="Analysed" cancelledText="Cancelled; the dataset loaded before is unchanged." onCancel={cancelImport} />
    </div>
  );
}

/** Download the loaded dataset as a CSV/TSV in its table's own format. */
export function ExportButton() {
  const ds = useLab((s) => s.dataset);
  // Export writes a recipe's own table format, so it needs to know the recipe.
  if (!ds?.meta.recipe) return null;
  const ntnu = ds.meta.recipe?.startsWith('ntnu') || ds.format === 'ntnu';
  const onClick = () => {
    const text = exportCsv(ds);
    const blob = new Blob([text], { type: ntnu ? 'text/tab-separated-values' : 'text/csv' });
    downloadBlob(`${ds.name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}${ntnu ? '.txt' : '.csv'}`, blob);
  };
  return (
    <button type="button" onClick={onClick} data-testid="export-csv">
      Export as {ntnu ? 'TSV (NTNU format)' : 'CSV (Kaggle format)'}
    </button>
  );
}
