import { useRef, type ReactNode } from 'react';
import { collectDropped, type AudioInput } from '../../app/audioImportActions';
import { DropZone } from '../DropZone';

/**
 * Audio in: "Pick a folder…", "Pick files…" (with `extra` controls beside them) and a drop zone,
 * each giving the files with their paths inside the folder. Test ids: `${testId}-input`,
 * `-folder-input`, `-drop-zone`.
 */
export function AudioPicker({ testId, running, onInputs, extra, dropText }: { testId: string; running: boolean; onInputs(inputs: AudioInput[]): void; extra?: ReactNode; dropText: string }) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const fromInput = (list: FileList | null) => list && onInputs(Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name })));
  return (
    <>
      <div className="controls-inline">
        {extra}
        <button type="button" onClick={() => folder.current?.click()} disabled={running}>
          Pick a folder…
        </button>
        <button type="button" onClick={() => files.current?.click()} disabled={running}>
          Pick files…
        </button>
        <input ref={files} type="file" multiple accept="audio/*,.wav,.mp3,.flac,.ogg" hidden data-testid={`${testId}-input`} onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
        <input ref={folder} type="file" hidden data-testid={`${testId}-folder-input`} {...{ webkitdirectory: '', directory: '' }} onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
      </div>
      <DropZone testId={`${testId}-drop-zone`} small onDrop={(dt) => void collectDropped(dt).then(onInputs)}>
        {dropText}
      </DropZone>
    </>
  );
}
