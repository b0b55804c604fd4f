package portal

import (
	"context"

	"github.com/portalhub/portalhub/services/pgerr"
)

// lostRetries is how many times retryLost runs a request again.
const lostRetries = 3

// retryLost runs do, and again, up to lostRetries times, while it fails
// because its database connection was lost (pgerr.ConnectionLost: the
// server it was on stopped or restarted; never a timeout) and may says it
// can run again (a GET or HEAD that wrote nothing yet). Before each new run
// it calls reset (if not nil), which closes the pool's connections: the
// other pooled connections to the server that went away are as dead, and a
// connection idle for less than a second is handed out unchecked (make
// chaos: with only the failed connection dropped, three retries still met
// dead ones and a replica stop cost 1,713 visitors a 502). The pool's next new
// connection goes to a server that answers (the gateways' URL names the
// replica and the primary: the primary while the replica is down), so a
// visitor does not get a 503 for the sessions a stopping server ended;
// nginx, which counts a 503 against the gateway, would otherwise take both
// gateways out at once (make chaos: 1,558 visitors answered 502 in 5.7 s
// after a stop of the replica).
func retryLost(ctx context.Context, reset func(), may func() bool, do func() error) error {
	err := do()
	for i := 0; i < lostRetries && err != nil && ctx.Err() == nil && pgerr.ConnectionLost(err) && may(); i++ {
		if reset != nil {
			reset()
		}
		err = do()
	}
	return err
}
