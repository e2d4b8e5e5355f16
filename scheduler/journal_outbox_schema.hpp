#pragma once
// Journal schema step 2 (issue 13): the as-run outbox. Every change of a broadcast's state is
// queued by a trigger in the same transaction as the change itself, so no code path that writes
// the journal can forget to queue it, and a power cut loses neither. A station that had a journal
// before queues its whole history once, so a district it joins later gets that too.
// `seq` (AUTOINCREMENT: never reused, even after rows are deleted) is the wire's seq.

namespace loa {

inline constexpr const char* kOutboxSchemaStep = R"sql(
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  broadcast_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  start_us INTEGER,
  end_us INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  sent_us INTEGER);
CREATE INDEX outbox_unsent ON outbox(seq) WHERE sent_us IS NULL;
CREATE TRIGGER outbox_broadcast_added AFTER INSERT ON broadcasts BEGIN
  INSERT INTO outbox(broadcast_id, status, start_us, end_us, reason)
    VALUES(NEW.id, NEW.status, NEW.start_us, NEW.end_us, NEW.reason);
END;
CREATE TRIGGER outbox_broadcast_changed AFTER UPDATE ON broadcasts
  WHEN OLD.status IS NOT NEW.status OR OLD.start_us IS NOT NEW.start_us
    OR OLD.end_us IS NOT NEW.end_us OR OLD.reason IS NOT NEW.reason BEGIN
  INSERT INTO outbox(broadcast_id, status, start_us, end_us, reason)
    VALUES(NEW.id, NEW.status, NEW.start_us, NEW.end_us, NEW.reason);
END;
INSERT INTO outbox(broadcast_id, status, start_us, end_us, reason)
  SELECT id, status, start_us, end_us, reason FROM broadcasts ORDER BY id;
)sql";

// Journal schema step 4 (issue 13): the district's receipts. `received_us`: when the district said
// its database has the row (as_run_receipt.hpp); rows sent and never receipted are sent again,
// once the district is known to send receipts (meta 'district_receipts').
inline constexpr const char* kReceiptSchemaStep = R"sql(
ALTER TABLE outbox ADD COLUMN received_us INTEGER;
CREATE INDEX outbox_unreceipted ON outbox(seq) WHERE received_us IS NULL AND sent_us IS NOT NULL;
)sql";

}  // namespace loa
