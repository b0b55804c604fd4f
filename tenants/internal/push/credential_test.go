package push_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// A new credential in the token file is used from the next call on, with
// no restart; an emptied file keeps the credential read before (issue 10
// point 13: a new credential needed a restart).
func TestCredentialFileIsReadAgainWhenItChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.token")
	write := func(s string) {
		t.Helper()
		// As a secret store does: a new file moved into place.
		tmp := path + ".new"
		if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write("old-token\n")
	var refused []error
	cred, err := push.OpenCredentialFile(path, func(err error) { refused = append(refused, err) })
	if err != nil {
		t.Fatal(err)
	}
	h := newFakeHub()
	conn, err := push.Dial(push.DialConfig{Addr: serve(t, h), Credential: cred, Tenant: "so-gddt", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	hub := pb.NewIngestServiceClient(conn)
	publish := func(id string) string {
		t.Helper()
		item, err := storetest.Article(id, "Tin "+id).Item()
		if err != nil {
			t.Fatal(err)
		}
		item.Version = 1
		if _, err := hub.Publish(context.Background(), &pb.PublishRequest{Item: item}); err != nil {
			t.Fatal(err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.metadata[len(h.metadata)-1].Get("authorization")[0]
	}
	if got := publish("a"); got != "Bearer old-token" {
		t.Errorf("first call sent %q", got)
	}
	write("new-token\n")
	if got := publish("b"); got != "Bearer new-token" {
		t.Errorf("after the file changed, sent %q; want the new token", got)
	}
	write("")
	if got := publish("c"); got != "Bearer new-token" || len(refused) == 0 {
		t.Errorf("after the file was emptied, sent %q (errors %v); want the token before and an error", got, refused)
	}
	if err := cred.Reload(); err == nil {
		t.Error("Reload of an empty file: no error")
	}
}
