#pragma once

#include "sqlite_db.hpp"

namespace loa {

// The journal's schema version (PRAGMA user_version); the file is marked as loa's by PRAGMA
// application_id. A new version adds a step to kUpgrades (journal_schema.cpp) and raises this.
inline constexpr std::int64_t kJournalSchemaVersion = 4;

// Makes a freshly opened connection ready: busy timeout, then checks the file is a loa journal of
// this version or an older one ("FILE is not a loa journal (...)" otherwise) before changing
// anything in it. A writer then sets WAL, synchronous=NORMAL and foreign keys, and creates the
// schema in an empty file or upgrades an older journal in place, keeping its rows (in one
// transaction, so two processes starting at once cannot both do it). A reader refuses an older
// journal, saying that `loa run` upgrades it.
void prepare_journal(sqlite::Db& db, bool read_only);

// For tests of upgrades only: makes an empty database a journal of `version` (1 and up), as that
// version of loa made it.
void create_journal_for_test(sqlite::Db& db, std::int64_t version);

}  // namespace loa
