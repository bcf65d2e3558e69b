// Replaced by the ArgumentParser command once the fake Atlas lands.
print("atlas-mock: not yet wired")
