package hubstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/events"
)

// announceTenant writes, in the transaction that changes a tenant, the
// outbox row that announces the change on events.RegistrySubject(tenant),
// so the gateways reload the tenant (names, host names, status) at once
// instead of at their next poll.
func announceTenant(ctx context.Context, tx pgx.Tx, tenant, change, status string) error {
	payload, err := json.Marshal(events.RegistryChange{Tenant: tenant, Change: change, Status: status})
	if err != nil {
		return err
	}
	// Each change is its own event: the id only has to be the same for the
	// relay's retries of this row, which send the row's id as it is.
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
		events.RegistrySubject(tenant), "registry/"+tenant+"/"+hex.EncodeToString(nonce), payload)
	return err
}
