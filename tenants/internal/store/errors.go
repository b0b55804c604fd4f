package store

import "github.com/portalhub/portalhub/tenants/internal/errs"

// boundary turns *err into what the store's callers see: a database that
// is unreachable, restarting, or that failed the transaction for a race
// becomes errs.Unavailable (503 to the API and the back office, a retry to
// the relay), never a driver's error. Every exported method of Store
// defers it.
func boundary(err *error) { *err = errs.FromDatabase(*err) }
