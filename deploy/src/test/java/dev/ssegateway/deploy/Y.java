package dev.ssegateway.deploy;

import java.util.List;
import java.util.Map;

/** Small accessors for parsed YAML: dotted paths, with {@code \.} for a dot inside a key. */
final class Y {
  private Y() {}

  static Object get(Object root, String path) {
    Object cur = root;
    for (String part : path.split("(?<!\\\\)\\.")) {
      if (cur instanceof List<?> l && part.matches("\\d+")) {
        int i = Integer.parseInt(part);
        cur = i < l.size() ? l.get(i) : null;
        continue;
      }
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(part.replace("\\.", "."));
    }
    return cur;
  }

  static String str(Object root, String path) {
    Object o = get(root, path);
    return o == null ? null : String.valueOf(o);
  }

  static int integer(Object root, String path) {
    Object o = get(root, path);
    if (o == null) {
      throw new AssertionError("missing " + path);
    }
    return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object root, String path) {
    Object o = get(root, path);
    if (o == null) {
      throw new AssertionError("missing " + path);
    }
    return (List<Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> listOr(Object root, String path) {
    Object o = get(root, path);
    return o == null ? List.of() : (List<Object>) o;
  }
}
