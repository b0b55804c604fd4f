// Package demo holds the demonstration content that `make run` seeds into
// four sub-portals: the Office of the Provincial People's Committee, the
// Department of Tourism, the Department of Science and Technology and the
// People's Committee of Nha Trang ward.
//
// Every item is a pb.ContentItem in protojson form, one file per item under
// <tenant-id>/<content-id>.json, without a version: the loader assigns
// versions when it pushes. The files the items attach (a dataset's CSV, an
// organisation chart, a document's PDF) are under <tenant-id>/files/, named
// as the items name them and referred to by their SHA-256; the loader
// stores them before the items. People, document numbers, telephone
// numbers, e-mail addresses and statistics are invented for the
// demonstration.
package demo

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	portalhubv1 "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

//go:embed tenants.json */*.json */files/*
var files embed.FS

// Tenant is one demonstration sub-portal.
type Tenant struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	NameRU string `json:"name_ru"`
	Port   int    `json:"port"`
}

// Tenants returns the demonstration tenants in the order of tenants.json.
func Tenants() ([]Tenant, error) {
	b, err := files.ReadFile("tenants.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var ts []Tenant
	if err := json.Unmarshal(b, &ts); err != nil {
		return nil, fmt.Errorf("demo: tenants.json: %w", err)
	}
	return ts, nil
}

// File is a file the demo items of a tenant attach.
type File struct {
	// Name is the file's name, as the items' attachments give it.
	Name string
	Data []byte
}

// Files returns the files the content items of one tenant attach, sorted
// by name (none is an empty list). An unknown tenant is an error.
func Files(tenant string) ([]File, error) {
	if err := known(tenant); err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, tenant+"/files/*")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sort.Strings(names)
	out := make([]File, 0, len(names))
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		out = append(out, File{Name: path.Base(name), Data: b})
	}
	return out, nil
}

// known returns an error unless tenant is one of tenants.json.
func known(tenant string) error {
	ts, err := Tenants()
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == tenant {
			return nil
		}
	}
	return fmt.Errorf("demo: unknown tenant %q", tenant)
}

// Items returns the content items of one tenant, sorted by file name.
// An unknown tenant is an error.
func Items(tenant string) ([]*portalhubv1.ContentItem, error) {
	if err := known(tenant); err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, tenant+"/*.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sort.Strings(names)
	opts := protojson.UnmarshalOptions{DiscardUnknown: false}
	items := make([]*portalhubv1.ContentItem, 0, len(names))
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		it := &portalhubv1.ContentItem{}
		if err := opts.Unmarshal(b, it); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", path.Clean(name), err)
		}
		items = append(items, it)
	}
	return items, nil
}
