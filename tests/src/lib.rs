//! Behaviour tests live in `tests/`; this library holds what they share with the helper
//! binaries (`src/bin`): a `redis-server` of their own.

pub mod redis_server;
