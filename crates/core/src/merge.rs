//! Merging the submissions of several units into one set of facts (scoring.md, "Merging").
