-- 0012_inbox_receipt.sql (sqlite): a received envelope's receipt is no longer stored (issue 9).
-- Receipts are the receipt log's own proof (docs/internals/federation.md "The receipt"): the
-- leaf, its inclusion proof and the tree head signed at the end of the batch that appended it,
-- rebuilt byte for byte from the log whenever the same envelope comes again.
ALTER TABLE federation_inbox DROP COLUMN receipt;
