mod create;
mod fields;
mod kinds;
mod kube;
mod smd;
mod support;
