// For building the APK in Android Studio or with a Gradle install and the Android SDK. Not used,
// and not runnable, on the Maven-only machines where this repository is built and tested.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
        // the SDK, after `./mvnw install -DskipTests` in the repository root
        mavenLocal()
        // libsignal-android is published by Signal in its own Maven repository, not on Maven
        // Central: add that repository here, as libsignal's README describes
        // maven { url = uri("<Signal's libsignal Maven repository>") }
    }
}

rootProject.name = "cipherline-android-sample"
