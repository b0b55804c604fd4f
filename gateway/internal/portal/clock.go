package portal

import "time"

// now is the time pages are rendered for (Config.Now, else the real time).
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}
