//! The etcd-style MVCC keyspace (see the crate description).
