// A command to copy: shown in full, with a button that puts it on the clipboard.
import { useState } from 'preact/hooks';

const copyText = async (text: string): Promise<void> => {
  if (navigator.clipboard !== undefined && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on another interface is not a secure context: the older way still works there.
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
};

export function CopyCommand({ command, label, testId }: { command: string; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="copy-command" data-testid={testId}>
      {label === undefined ? null : <span class="copy-label">{label}</span>}
      <code class="command">{command}</code>
      <button
        type="button"
        class="copy"
        onClick={() => {
          void copyText(command).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? 'copied' : 'copy'}
      </button>
    </div>
  );
}
