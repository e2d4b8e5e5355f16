#pragma once
// The district database's schema and how a connection is made ready (district_store.cpp).

#include "sqlite_db.hpp"

namespace loa {

// PRAGMA user_version of the district database. A new version adds a step to kUpgrades
// (district_store_schema.cpp) and raises this.
inline constexpr std::int64_t kDistrictSchemaVersion = 1;

// Busy timeout, WAL, then: an empty file gets the schema; a district database of this version is
// used as it is; anything else throws "FILE is not a loa district database (...)" before a byte of
// it changes.
void prepare_district_db(sqlite::Db& db);
// For a read-only connection: busy timeout, and throws as above unless it is a district database
// of this version (an empty one included). Changes nothing.
void check_district_db(sqlite::Db& db);

}  // namespace loa
