//! OpenAPI v2/v3 documents for the kinds kubemem serves.
//!
//! Empty until the kubectl-fidelity issue (#3): until then kubectl is run against kubemem with the
//! discovery documents alone.
