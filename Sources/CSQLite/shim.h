// The system's SQLite 3 C API (Debian/Ubuntu: libsqlite3-dev; macOS and iOS: the SDK's libsqlite3).
#include <sqlite3.h>
