import { useEffect, useState } from 'react';
import { DataCell } from './cells/DataCell';
import { ExploreCell } from './cells/ExploreCell';
import { FeatureSelectionCell } from './cells/FeatureSelectionCell';
import { KnnCell } from './cells/KnnCell';
import { PresetsCell } from './cells/PresetsCell';
import { LogisticCell } from './cells/LogisticCell';
import { ClassicCell } from './cells/ClassicCell';
import { TrainCell } from './cells/TrainCell';
import { CompareCell } from './cells/CompareCell';
import { ClassifyCell } from './cells/ClassifyCell';
import { ProjectControl } from './ProjectControl';
import { useLab } from './store';
import { goToStep, Presenter } from './Presenter';
import { parsePresentHash, STORIES, type PresentPlace } from '../app/stories';

const OUTLINE = [
  { id: 'data', title: 'Data' },
  { id: 'explore', title: 'Explore' },
  { id: 'presets', title: 'Paper presets' },
  { id: 'knn', title: 'k-NN' },
  { id: 'logistic', title: 'Logistic regression' },
  { id: 'classic', title: 'Classic models' },
  { id: 'selection', title: 'Feature selection' },
  { id: 'train', title: 'Train (neural)' },
  { id: 'compare', title: 'Compare' },
  { id: 'classify', title: 'Classify audio' },
];

/** The presenter's place from the URL hash (`#present/<story>/<step>`), following its changes. */
function usePresentPlace(): PresentPlace | undefined {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parsePresentHash(hash);
}

export function App() {
  const place = usePresentPlace();
  const restored = useLab((s) => s.restored);
  if (place && restored) return <Presenter place={place} />;
  return <Notebook restored={restored} />;
}

function Notebook({ restored }: { restored: boolean }) {
  const name = useLab((s) => s.dataset?.name);
  const [active, setActive] = useState('data');
  useEffect(() => {
    const obs = new IntersectionObserver(
      (entries) => {
        const top = entries.filter((e) => e.isIntersecting).sort((a, b) => a.boundingClientRect.top - b.boundingClientRect.top)[0];
        if (top) setActive(top.target.id);
      },
      { rootMargin: '-10% 0px -70% 0px' },
    );
    OUTLINE.forEach((o) => {
      const el = document.getElementById(o.id);
      if (el) obs.observe(el);
    });
    return () => obs.disconnect();
  }, [restored]);
  return (
    <div className="app">
      <nav className="outline" aria-label="outline" data-testid="outline">
        <div className="brand">
          <span className="logo" aria-hidden>
            ▮▮▮
          </span>{' '}
          Genre Lab
        </div>
        <ol>
          {OUTLINE.map((o) => (
            <li key={o.id}>
              <a href={`#${o.id}`} className={active === o.id ? 'active' : ''} onClick={(e) => { e.preventDefault(); document.getElementById(o.id)?.scrollIntoView({ behavior: 'smooth' }); setActive(o.id); }}>
                {o.title}
              </a>
            </li>
          ))}
        </ol>
        <div className="present-entry">
          {STORIES.map((story) => (
            <button key={story.id} className="present-button" data-testid="present-button" data-story={story.id} onClick={() => goToStep({ storyId: story.id, stepId: story.steps[0]!.id })} title={story.summary}>
              ▶ Present {story.title}
            </button>
          ))}
        </div>
        <div className="outline-foot muted small">{name ? <>loaded: {name}</> : 'no data loaded'}</div>
        <ProjectControl />
        <details className="help small">
          <summary>Help</summary>
          <p>
            Work top to bottom: load a table (or audio) in <b>Data</b>, look at it in <b>Explore</b>, train and compare models, then drop your own audio — or record from the microphone — in <b>Classify</b>. Every cell has
            its own <b>Run</b>; long jobs run in background workers and can be cancelled. Your data, settings, results and trained models are kept in this browser across reloads.
          </p>
          <p>
            Where to get data: the Kaggle “GTZAN Dataset - Music Genre Classification” download has <code>features_30_sec.csv</code>, <code>features_3_sec.csv</code> and the audio in{' '}
            <code>genres_original/</code>; the NTNU course gives <code>GenreClassData_*s.txt</code>. The demo corpus shown on first open is synthetic.
          </p>
          <p>
            <b>Lecture mode</b>: <b>Present</b> shows a story (the NTNU study: Tasks 1 → 4) one cell at a time, full width, in large type for a projector. → / PageDown / Space go on, ← / PageUp go back,
            Esc returns here; the step is in the address (<code>#present/…</code>), so a reload keeps it. <b>Prepare this class</b> computes every step that has no result yet (in the background, with
            Cancel), so the class sees results at once; <b>Run it live</b> reruns one step in front of them. Tasks 1–3 need <code>GenreClassData_30s.txt</code> loaded, Task 4 the 10 s table.
          </p>
          <p>
            Evaluation never lets segments of one track sit on both sides of a split; features are scaled with training statistics only. k-NN ties: equal distances go to the earlier
            training row, equal votes to the genre listed first.
          </p>
        </details>
      </nav>
      <main className="notebook">
        <header className="page-head">
          <h1>Genre Lab</h1>
          <p className="muted">A notebook for music genre classification, running entirely in your browser.</p>
        </header>
        {!restored ? (
          <p className="muted">Opening your lab…</p>
        ) : (
          <>
            <DataCell />
            <ExploreCell />
            <PresetsCell />
            <KnnCell />
            <LogisticCell />
            <ClassicCell />
            <FeatureSelectionCell />
            <TrainCell />
            <CompareCell />
            <ClassifyCell />
          </>
        )}
      </main>
    </div>
  );
}
