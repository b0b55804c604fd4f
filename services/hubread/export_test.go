package hubread

// ReadTables returns the tables CheckSchema looks for, for the test that
// keeps them equal to the reader role's grants.
func ReadTables() []string { return readTables }

// SearchSQL returns the statements a search runs to count (facets) and to
// rank (one page) with their arguments, for the test that explains them.
func SearchSQL(p SearchParams) (facets string, facetArgs []any, page string, pageArgs []any) {
	facets, facetArgs = facetSQL(p.Query)
	page, pageArgs = hitsSQL(p, SearchPageSize, 0)
	return facets, facetArgs, page, pageArgs
}
