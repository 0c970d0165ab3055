// receipt.js - the receipt page with script on: the inclusion-proof link gets the log's
// current tree size, and the signed receipt kept by report.js is offered as a download.
import { loadCatalog, t } from './i18n.js';

const box = document.getElementById('receipt');

async function main() {
  await loadCatalog();
  const leaf = box.dataset.leaf;
  const token = box.dataset.token;
  try {
    const sth = await fetch('/api/v1/log/sth').then((r) => r.json());
    const size = sth.tree_size ?? (sth.sth && sth.sth.tree_size);
    if (size != null && Number(size) > Number(leaf)) {
      const a = document.getElementById('proof-link');
      a.href = `/api/v1/log/proof/inclusion?leaf_index=${leaf}&tree_size=${size}`;
      a.textContent = a.href.replace(window.location.origin, '');
    }
  } catch (_) { /* the links without the size still say what to do */ }
  let saved = null;
  try { saved = sessionStorage.getItem(`vf_receipt_${token}`); } catch (_) { saved = null; }
  if (saved) {
    const link = document.getElementById('signed-receipt-link');
    link.href = URL.createObjectURL(new Blob([saved], { type: 'application/json' }));
    link.download = `receipt-${box.querySelector('#r-id').textContent.trim()}.json`;
    link.title = t('receipt.download_hint');
    document.getElementById('signed-receipt').hidden = false;
  }
}

if (box) main();
