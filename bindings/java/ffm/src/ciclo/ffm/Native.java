package ciclo.ffm;

import ciclo.CicloException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Loading libciclo and calling it: the downcall handles and the helpers every
 * call goes through.
 *
 * <p><b>The rule for errors.</b> {@code ciclo_last_error_message} is per OS
 * thread. A virtual thread runs on a carrier (an OS thread) and moves to
 * another carrier only when it unmounts, which it does only at a blocking
 * operation (a lock or monitor wait, I/O, sleep, park, a blocking queue) or
 * {@link Thread#yield()}; a downcall pins it to its carrier for the call's
 * duration. So the message must be read, and copied, in straight-line code
 * right after the failed downcall, with none of these in between: then the
 * message comes from the carrier that made the call and no other call ran
 * there meanwhile. {@link #call}, {@link #callString} and {@link #error} do
 * exactly that: the downcall returns its status, the status is compared with
 * 0, and on failure the message is read and copied into a Java string before
 * anything else, all in one method. Never log, lock, sleep or do I/O between
 * a ciclo downcall and reading its message in code of your own.
 */
final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIB = load();

    /**
     * Finds libciclo: the system property {@code ciclo.lib} or the environment
     * variable {@code CICLO_LIB} (a path), else the system loader
     * ({@code LD_LIBRARY_PATH}, the linker cache) by name.
     */
    private static SymbolLookup load() {
        String path = System.getProperty("ciclo.lib");
        if (path == null || path.isEmpty()) {
            path = System.getenv("CICLO_LIB");
        }
        try {
            if (path != null && !path.isEmpty()) {
                return SymbolLookup.libraryLookup(Path.of(path), Arena.global());
            }
            return SymbolLookup.libraryLookup(System.mapLibraryName("ciclo"), Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError("libciclo not found (" + e.getMessage()
                    + "): set CICLO_LIB or -Dciclo.lib to its path, or put it where the system loader looks");
        }
    }

    /** A downcall handle. */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libciclo has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** A downcall handle of a function returning {@code ciclo_status}. */
    static MethodHandle fallible(String name, MemoryLayout... args) {
        return downcall(name, FunctionDescriptor.of(JAVA_INT, args));
    }

    static final MethodHandle LAST_ERROR_MESSAGE =
            downcall("ciclo_last_error_message", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle STATUS_NAME =
            downcall("ciclo_status_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MethodHandle STRING_FREE =
            downcall("ciclo_string_free", FunctionDescriptor.ofVoid(ADDRESS));

    static {
        // Link the handles the error path uses now, not during the first failure.
        lastErrorMessage();
        statusName(0);
    }

    /** A call: makes one downcall with arguments allocated in {@code arena}; returns its status. */
    @FunctionalInterface
    interface Call {
        int invoke(Arena arena) throws Throwable;
    }

    /** A call with a {@code char **} out-parameter placed last. */
    @FunctionalInterface
    interface StringCall {
        int invoke(Arena arena, MemorySegment out) throws Throwable;
    }

    /** Runs a call and throws its error, read at once, if it failed. */
    static void call(Call call) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            call(arena, call);
        }
    }

    /**
     * As {@link #call(Call)}, with the arguments in the caller's arena, where its
     * out-parameters live too (read them after this returns: the call succeeded).
     */
    static void call(Arena arena, Call call) throws CicloException {
        int status = invoke(call, arena);
        if (status != 0) {
            throw error(status);
        }
    }

    /**
     * The common pattern of every call returning a string: the call writes it to
     * {@code out}; the status is checked (the message read at once) and the string
     * copied and freed. A function returning JSON is one line with it:
     * {@code return Native.callString((a, out) -> (int) H.invokeExact(handle(), out));}
     */
    static String callString(StringCall call) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS); // zeroed
            int status = invoke(a -> call.invoke(a, out), arena);
            if (status != 0) {
                throw error(status);
            }
            return takeString(out.get(ADDRESS, 0));
        }
    }

    /** Makes the downcall; downcalls throw no checked exception. */
    static int invoke(Call call, Arena arena) {
        try {
            return call.invoke(arena);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The error of the downcall that just returned {@code status} on this thread.
     * Call it right after that downcall, with nothing that can block in between.
     */
    static CicloException error(int status) {
        String message = lastErrorMessage(); // first: copied before anything else runs
        return new CicloException(status, staticString(statusName(status)), message);
    }

    private static String lastErrorMessage() {
        try {
            MemorySegment p = (MemorySegment) LAST_ERROR_MESSAGE.invokeExact();
            return staticString(p);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment statusName(int status) {
        try {
            return (MemorySegment) STATUS_NAME.invokeExact(status);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Copies a NUL-terminated UTF-8 string the library keeps (static or borrowed). */
    static String staticString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return "";
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Copies a string the library returned through {@code char **} and frees it. */
    static String takeString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return "";
        }
        try {
            return p.reinterpret(Long.MAX_VALUE).getString(0);
        } finally {
            try {
                STRING_FREE.invokeExact(p);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** A NUL-terminated UTF-8 copy of {@code s} in {@code arena}, or NULL for null. */
    static MemorySegment str(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}
