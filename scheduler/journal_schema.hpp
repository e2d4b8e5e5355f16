#pragma once

#include "sqlite_db.hpp"

namespace loa {

// The journal's schema, version 1 (PRAGMA user_version), marked as loa's by PRAGMA application_id.
inline constexpr std::int64_t kJournalSchemaVersion = 1;

// Makes a freshly opened connection ready: busy timeout, then checks the file is a loa journal of
// this version ("FILE is not a loa journal (...)" otherwise) before changing anything in it. A
// writer then sets WAL, synchronous=NORMAL and foreign keys, and creates the schema in an empty
// file (in one transaction, so two processes starting at once cannot both create it).
void prepare_journal(sqlite::Db& db, bool read_only);

}  // namespace loa
