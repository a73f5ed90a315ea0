//! Raft replication of the `kubemem-store` keyspace.
//!
//! Empty until the Raft issue (#5) lands: the single-node backend in `kubemem-apiserver` applies
//! commands directly to a `kubemem_store::Store`.
