package natsserver

import (
	"fmt"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/portalhub/portalhub/services/natsauth"
)

// Users returns the hub's NATS users, one per natsauth role with its
// permissions, identified by the NKey seeds in keyDir (created there, mode
// 0600, for the roles that have none yet).
func Users(keyDir string) ([]*server.NkeyUser, error) {
	if err := natsauth.EnsureSeeds(keyDir); err != nil {
		return nil, err
	}
	users := make([]*server.NkeyUser, 0, len(natsauth.Roles))
	for _, r := range natsauth.Roles {
		pub, err := natsauth.PublicKey(natsauth.SeedFile(keyDir, r))
		if err != nil {
			return nil, fmt.Errorf("NATS user %s: %w", r, err)
		}
		users = append(users, User(r, pub))
	}
	return users, nil
}

// User is the NATS user of role r, known by its public NKey.
func User(r natsauth.Role, publicKey string) *server.NkeyUser {
	p := r.Permissions()
	return &server.NkeyUser{Nkey: publicKey, Permissions: &server.Permissions{
		Publish:   only(p.Publish),
		Subscribe: only(p.Subscribe),
	}}
}

// only allows the subjects given and nothing else. An empty allow list means
// "everything" to NATS, so allowing nothing is denying everything.
func only(subjects []string) *server.SubjectPermission {
	if len(subjects) == 0 {
		return &server.SubjectPermission{Deny: []string{">"}}
	}
	return &server.SubjectPermission{Allow: subjects}
}
