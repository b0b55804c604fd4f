// Package dburl checks a PostgreSQL URL before a program uses it, so that
// a malformed one is reported as such, with the form it should have,
// rather than as a refused value or after a minute of retries.
package dburl

import (
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Form is the shape of a URL, for messages.
const Form = "postgres://USER[:PASSWORD]@HOST:5432/DATABASE?sslmode=disable (a password holding @ : / ? # percent-encoded)"

// Check reports what is wrong with url, read from the variable name: not
// set, or not a PostgreSQL connection string. It does not connect.
func Check(name, url string) error {
	if url == "" {
		return fmt.Errorf("%s is not set: want %s", name, Form)
	}
	if _, err := pgconn.ParseConfig(url); err != nil {
		// pgconn's message shows the URL with its password masked.
		return fmt.Errorf("%s is malformed (%v): want %s", name, err, Form)
	}
	return nil
}
