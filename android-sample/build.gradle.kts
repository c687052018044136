// The APK build, for Android Studio (see README.md, "Building the APK"). The Maven build of this
// module compiles the same sources against android-all and tests them under Robolectric instead.
plugins {
    id("com.android.application") version "8.7.3"
}

android {
    namespace = "dev.cipherline.android"
    compileSdk = 35

    defaultConfig {
        applicationId = "dev.cipherline.android"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    compileOptions {
        // records and the SDK's Java 17 language level; D8 desugars them for API 26
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
        isCoreLibraryDesugaringEnabled = true
    }

    sourceSets["main"].java.srcDirs("src/main/java")

    packaging {
        resources.excludes += setOf("META-INF/versions/**", "META-INF/DEPENDENCIES")
    }
}

dependencies {
    implementation("dev.cipherline:cipherline-sdk:0.1.0-SNAPSHOT") {
        // the JVM build of libsignal carries desktop native libraries; Android uses its own
        exclude(group = "org.signal", module = "libsignal-client")
    }
    // the same Java API as libsignal-client, with the Android native libraries (same version)
    implementation("org.signal:libsignal-android:0.86.5")
    coreLibraryDesugaring("com.android.tools:desugar_jdk_libs:2.1.4")

    testImplementation("junit:junit:4.13.2")
    testImplementation("org.robolectric:robolectric:4.17")
}
