package hubread

// ReadTables returns the tables CheckSchema looks for, for the test that
// keeps them equal to the reader role's grants.
func ReadTables() []string { return readTables }
