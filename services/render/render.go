// Package render turns html/template pages into bytes, for the gateway's
// portal and the sub-portal's back office alike. Templates are parsed once at
// start-up (or on every render in development mode, so edits show without a
// restart); a page is rendered into a buffer first, so a template failure
// becomes a clean error and never a half-written response.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
)

// Config says where the templates are.
type Config struct {
	// FS holds the templates: layout files named "_*.html" are shared by
	// every page; every other "*.html" is a page named by its base name
	// without extension ("item.html" is "item").
	FS fs.FS
	// Funcs are the template functions.
	Funcs template.FuncMap
	// Dev re-parses the templates on every render.
	Dev bool
}

// Renderer renders the pages of one template set.
type Renderer struct {
	cfg   Config
	pages map[string]*template.Template
}

// New parses every page and fails on the first broken template.
func New(cfg Config) (*Renderer, error) {
	pages, err := parse(cfg)
	if err != nil {
		return nil, err
	}
	return &Renderer{cfg: cfg, pages: pages}, nil
}

func parse(cfg Config) (map[string]*template.Template, error) {
	all, err := fs.Glob(cfg.FS, "*.html")
	if err != nil {
		return nil, err
	}
	var layouts, pageFiles []string
	for _, f := range all {
		if strings.HasPrefix(f, "_") {
			layouts = append(layouts, f)
		} else {
			pageFiles = append(pageFiles, f)
		}
	}
	pages := map[string]*template.Template{}
	for _, p := range pageFiles {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.New(name).Funcs(cfg.Funcs).ParseFS(cfg.FS, append(append([]string{}, layouts...), p)...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// Render executes the template "layout" of page's set with data and returns
// the bytes; the page file fills the blocks the layout leaves.
func (r *Renderer) Render(page string, data any) ([]byte, error) {
	pages := r.pages
	if r.cfg.Dev {
		p, err := parse(r.cfg)
		if err != nil {
			return nil, err
		}
		pages = p
	}
	t, ok := pages[page]
	if !ok {
		return nil, fmt.Errorf("render: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}
