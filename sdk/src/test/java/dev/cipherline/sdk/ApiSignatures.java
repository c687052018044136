package dev.cipherline.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds types outside the SDK's public face in the public signatures of a class: every public or
 * protected constructor, method, field and record component, and the class's supertypes and type
 * parameters, down to generic arguments, bounds, array components and declared exceptions.
 *
 * <p>Allowed are the public package itself and {@code java.*} except JDBC ({@code java.sql}):
 * libsignal, OkHttp, SQLite, Jackson, and the SDK's own {@code protocol}, {@code crypto} and {@code
 * internal} packages must stay out of reach of apps.
 */
final class ApiSignatures {
    static final String PUBLIC_PACKAGE = "dev.cipherline.sdk";

    private ApiSignatures() {}

    /** Every class in {@code PUBLIC_PACKAGE} (not its subpackages) that an app can name. */
    static List<Class<?>> publicClasses() {
        Path dir = classesRoot().resolve(PUBLIC_PACKAGE.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
                    .<Class<?>>map(f -> load(PUBLIC_PACKAGE + "." + f.substring(0, f.length() - 6)))
                    .filter(ApiSignatures::reachable)
                    .sorted(Comparator.comparing(Class::getName))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory (or jar) that holds the SDK's compiled main classes. */
    private static Path classesRoot() {
        try {
            return Path.of(
                    ChatClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiSignatures.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the class and every class enclosing it are public. */
    static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    /** Each foreign type named in a public signature of {@code c}, as "where: type". */
    static List<String> violations(Class<?> c) {
        List<String> out = new ArrayList<>();
        String at = c.getName();
        check(out, at + " extends", c.getGenericSuperclass());
        for (Type t : c.getGenericInterfaces()) {
            check(out, at + " implements", t);
        }
        for (TypeVariable<?> v : c.getTypeParameters()) {
            check(out, at + " type parameter", v);
        }
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                check(out, at + " component " + rc.getName(), rc.getGenericType());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                check(out, at + "." + f.getName(), f.getGenericType());
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            executable(out, at + ".<init>", k);
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!m.isBridge()) {
                executable(out, at + "." + m.getName() + "()", m);
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(out, at + "." + m.getName() + "() returns", m.getGenericReturnType());
                }
            }
        }
        return out;
    }

    private static void executable(List<String> out, String at, Executable e) {
        if (!visible(e.getModifiers()) || e.isSynthetic()) {
            return;
        }
        for (Type t : e.getGenericParameterTypes()) {
            check(out, at + " parameter", t);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(out, at + " throws", t);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(out, at + " type parameter", v);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> out, String at, Type type) {
        walk(type, new HashSet<>(), c -> out.add(at + ": " + c.getName()));
    }

    private static void walk(Type type, Set<Type> seen, java.util.function.Consumer<Class<?>> bad) {
        if (type == null || !seen.add(type)) {
            return;
        }
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive() && !allowed(c.getPackageName())) {
                bad.accept(c);
            }
        } else if (type instanceof ParameterizedType p) {
            walk(p.getRawType(), seen, bad);
            walk(p.getOwnerType(), seen, bad);
            for (Type arg : p.getActualTypeArguments()) {
                walk(arg, seen, bad);
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                walk(b, seen, bad);
            }
            for (Type b : w.getLowerBounds()) {
                walk(b, seen, bad);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                walk(b, seen, bad);
            }
        } else if (type instanceof GenericArrayType a) {
            walk(a.getGenericComponentType(), seen, bad);
        }
    }

    static boolean allowed(String packageName) {
        if (packageName.equals(PUBLIC_PACKAGE)) {
            return true;
        }
        return packageName.startsWith("java.")
                && !packageName.equals("java.sql")
                && !packageName.startsWith("java.sql.");
    }
}
