import { useState, type ReactNode } from 'react';

/**
 * A drop target that highlights while something is dragged over it; optionally also a button
 * (click or Enter/Space) that opens a file picker.
 */
export function DropZone({ testId, onDrop, onActivate, small, children }: { testId: string; onDrop(dt: DataTransfer): void; onActivate?: () => void; small?: boolean; children: ReactNode }) {
  const [over, setOver] = useState(false);
  const button = onActivate ? { role: 'button', tabIndex: 0, onClick: onActivate, onKeyDown: (e: React.KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && onActivate() } : {};
  return (
    <div
      className={`dropzone${small ? ' small' : ''}${over ? ' over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onDrop(e.dataTransfer);
      }}
      {...button}
    >
      {children}
    </div>
  );
}
