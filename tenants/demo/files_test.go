package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Every attachment of a demo item is a file of its tenant's files/ folder,
// under the name and SHA-256 the item gives, of a type the portal serves;
// every file is attached; a dataset's chart names columns of its CSV.
func TestAttachedFiles(t *testing.T) {
	ts, err := Tenants()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, tn := range ts {
		fs, err := Files(tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]File{}
		bySHA := map[string][]byte{}
		for _, f := range fs {
			if _, err := contentrules.DetectFile(f.Name, f.Data); err != nil {
				t.Errorf("%s/files/%s: %v", tn.ID, f.Name, err)
			}
			if len(f.Data) > 256<<10 {
				t.Errorf("%s/files/%s: %d bytes; keep demo files under 256 KiB", tn.ID, f.Name, len(f.Data))
			}
			sum := sha256.Sum256(f.Data)
			byName[f.Name] = f
			bySHA[hex.EncodeToString(sum[:])] = f.Data
		}
		used := map[string]bool{}
		items, _ := Items(tn.ID)
		for _, it := range items {
			where := tn.ID + "/" + it.GetContentId()
			for _, a := range it.GetAttachments() {
				f, ok := byName[a.GetFilename()]
				sum := sha256.Sum256(f.Data)
				if !ok || hex.EncodeToString(sum[:]) != a.GetSha256() {
					t.Errorf("%s: attachment %q is not %s/files/%s with that SHA-256", where, a.GetFilename(), tn.ID, a.GetFilename())
				}
				if a.GetTitle() == "" {
					t.Errorf("%s: attachment %q without a caption", where, a.GetFilename())
				}
				used[a.GetFilename()] = true
				total++
			}
			if ds := it.GetDataset(); ds.GetChart() != nil {
				if vs := contentrules.CheckChartColumns(ds, bySHA[ds.GetDataSha256()]); len(vs) > 0 {
					t.Errorf("%s: chart: %v", where, vs)
				}
			}
		}
		for name := range byName {
			if !used[name] {
				t.Errorf("%s/files/%s: no item attaches it", tn.ID, name)
			}
		}
	}
	if total == 0 {
		t.Error("no demo item attaches a file")
	}
	if _, err := Files("no-such-tenant"); err == nil {
		t.Error("Files of an unknown tenant: want an error")
	}
}
