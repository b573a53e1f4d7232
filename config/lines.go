package config

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// positions maps each key of a configuration to the line it is on:
// "origins", "origins.NAME" and "origins.NAME.KEY". It is empty when data
// is not YAML (the decoder reports that error).
func positions(data []byte) map[string]int {
	pos := map[string]int{}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return pos
	}
	walk(root.Content[0], "", pos, 3)
	return pos
}

// walk records the lines of a mapping's keys under prefix, depth levels
// down.
func walk(n *yaml.Node, prefix string, pos map[string]int, depth int) {
	if depth == 0 || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		pos[path] = k.Line
		walk(v, path, pos, depth-1)
	}
}

// lineOf returns "line N: " for the key path, or "" when its line is not
// known (a configuration built in code).
func lineOf(pos map[string]int, path string) string {
	if n, ok := pos[path]; ok && n > 0 {
		return "line " + strconv.Itoa(n) + ": "
	}
	return ""
}
