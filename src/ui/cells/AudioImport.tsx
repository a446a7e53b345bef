import { useState } from 'react';
import { exportCsv } from '../../core/features/exportCsv';
import { RECIPES } from '../../core/features/recipes';
import { RECIPE_IDS, type RecipeId } from '../../core/features/spec';
import { cancelImport, importAudioFiles, loadDemoCorpus, type AudioInput } from '../../app/audioImportActions';
import { AudioPicker } from './AudioPicker';
import { BatchProgress } from './BatchProgress';
import { downloadBlob } from '../download';
import { SelectField } from '../controls';
import { useLab } from '../store';

const TABLE_RECIPES = RECIPE_IDS.filter((r) => r !== 'meyda');

/** Drop audio (files or a genres_original/<genre>/ folder) and extract a feature table. */
export function AudioImport() {
  const imp = useLab((s) => s.audioImport);
  const [recipe, setRecipe] = useState<RecipeId>('kaggle30');
  const start = (inputs: AudioInput[]) => void importAudioFiles(inputs, recipe);
  const running = imp?.status === 'running';
  return (
    <div className="subcell" data-testid="audio-import">
      <h3>…or build a table from audio</h3>
      <p className="small">
        Drop audio files or a folder laid out like Kaggle’s <code>genres_original/&lt;genre&gt;/*.wav</code> (or files named like <code>jazz.00012.wav</code>). The lab computes the same features
        librosa produced for the published tables, in the recipe you pick, using one background worker per CPU core. Results are cached, so dropping the same files again is instant. For the spectrogram CNNs, choose a CNN in the Train cell: its Spectrograms section builds a set from the same kind of folder.
      </p>
      <AudioPicker
        testId="audio"
        running={running}
        onInputs={start}
        dropText="Drop audio files or a folder here"
        extra={
          <>
            <SelectField
              label="Recipe (table and segment length)"
              value={recipe}
              options={TABLE_RECIPES.map((r) => ({ value: r, label: `${r} — ${RECIPES[r].description}` }))}
              onChange={(v) => setRecipe(v as RecipeId)}
              testId="audio-recipe"
            />
            <button type="button" onClick={() => void loadDemoCorpus()} disabled={running} data-testid="load-demo">
              Load the synthetic demo corpus
            </button>
          </>
        }
      />
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
