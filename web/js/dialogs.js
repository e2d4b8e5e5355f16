// The page's own dialogs.

import {$, t} from './dom.js';

// Opens a <dialog>; resolves true when okId is pressed, false on cancelId or Escape.
export function openDialog(dialog, okId, cancelId) {
  return new Promise((resolve) => {
    const ok = $(okId);
    const cancel = $(cancelId);
    const finish = (value) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onOk = () => finish(true);
    const onCancel = (e) => { if (e) e.preventDefault(); finish(false); };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    cancel.focus();
  });
}

export function confirmDialog(title, text, okLabel) {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel || t('ok');
  return openDialog($('confirm-dialog'), 'confirm-ok', 'confirm-cancel');
}
