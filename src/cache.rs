//! Content-addressed segment cache: conditioned PCM (mono, program rate) keyed by everything
//! that changes the sound. Entries are written to a temp file and renamed. [edge]
