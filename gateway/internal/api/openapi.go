package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// The OpenAPI document is written in openapi/: base.json holds the
// document's head and what every resource shares (parameters, responses,
// the Problem and Links schemas), and each resource's file its paths and
// schemas. Document merges them into the one document served at
// /api/v1/openapi.json.

//go:embed openapi/*.json
var openapiFiles embed.FS

// Document returns the OpenAPI document as JSON. A path or component
// defined in two files is an error.
func Document() ([]byte, error) {
	base, err := readJSON("base.json")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(openapiFiles, "openapi")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() == "base.json" {
			continue
		}
		part, err := readJSON(e.Name())
		if err != nil {
			return nil, err
		}
		for key := range part {
			if key != "paths" && key != "components" {
				return nil, fmt.Errorf("openapi/%s: %q: a resource's file holds only paths and components", e.Name(), key)
			}
		}
		if err := merge(base, part, "paths", e.Name()); err != nil {
			return nil, err
		}
		comps, _ := part["components"].(map[string]any)
		baseComps, _ := base["components"].(map[string]any)
		for _, kind := range sortedKeys(comps) {
			if baseComps[kind] == nil {
				baseComps[kind] = map[string]any{}
			}
			if err := merge(baseComps, comps, kind, e.Name()); err != nil {
				return nil, err
			}
		}
	}
	b, err := json.MarshalIndent(base, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func readJSON(name string) (map[string]any, error) {
	b, err := fs.ReadFile(openapiFiles, path.Join("openapi", name))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("openapi/%s: %w", name, err)
	}
	return m, nil
}

// merge adds the entries of from[key] to into[key], refusing duplicates.
func merge(into, from map[string]any, key, file string) error {
	src, _ := from[key].(map[string]any)
	dst, _ := into[key].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		into[key] = dst
	}
	for _, k := range sortedKeys(src) {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("openapi/%s: %s %q is defined twice", file, key, k)
		}
		dst[k] = src[k]
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
